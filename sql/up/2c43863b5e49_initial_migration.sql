-- revision: 2c43863b5e49
-- down_revision: none
-- message: initial migration

-- The Genesis schema as SQLAlchemy/Alembic created it on PostgreSQL. Every name
-- (types, *_pkey, *_fkey, *_key, ix_*) is the one Alembic generated, so a
-- database that Alembic built can be adopted without renaming anything.

CREATE TYPE coachingstep AS ENUM (
    'vision', 'mission', 'clientele', 'differentiation', 'offre', 'synthesis'
);

CREATE TYPE sessionstatus AS ENUM (
    'initialized', 'in_progress', 'coaching_complete', 'sub_agents_running',
    'brief_ready', 'completed', 'failed'
);

-- name and dc360_user_id come last on purpose: d3ea4d165475's down re-adds
-- them at the end of the table, and this order is what it restores.
CREATE TABLE users (
    id            serial,
    email         varchar NOT NULL,
    created_at    timestamp without time zone NOT NULL DEFAULT now(),
    updated_at    timestamp without time zone NOT NULL DEFAULT now(),
    name          varchar,
    dc360_user_id integer,
    CONSTRAINT users_pkey PRIMARY KEY (id)
);
CREATE INDEX ix_users_id ON users (id);
-- Email uniqueness is carried by this index alone (no separate constraint),
-- as SQLAlchemy's unique=True, index=True does.
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE UNIQUE INDEX ix_users_dc360_user_id ON users (dc360_user_id);

CREATE TABLE user_profiles (
    id                 serial,
    user_id            integer,
    country            varchar,
    city               varchar,
    region             varchar,
    preferred_language varchar,
    coaching_style     varchar,
    cultural_context   json,
    business_context   json,
    created_at         timestamp without time zone NOT NULL DEFAULT now(),
    updated_at         timestamp without time zone NOT NULL DEFAULT now(),
    CONSTRAINT user_profiles_pkey PRIMARY KEY (id),
    -- one profile per user
    CONSTRAINT user_profiles_user_id_key UNIQUE (user_id),
    CONSTRAINT user_profiles_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE INDEX ix_user_profiles_id ON user_profiles (id);

CREATE TABLE businesses (
    id                serial,
    business_name     varchar NOT NULL,
    sector            varchar NOT NULL,
    user_id           integer NOT NULL,
    vision            text,
    mission           text,
    target_audience   text,
    differentiation   text,
    value_proposition text,
    location          json,
    cultural_context  json,
    -- draft, active or paused (checked by the application, not the database)
    status            varchar DEFAULT 'draft',
    created_at        timestamp without time zone NOT NULL DEFAULT now(),
    updated_at        timestamp without time zone NOT NULL DEFAULT now(),
    CONSTRAINT businesses_pkey PRIMARY KEY (id),
    CONSTRAINT businesses_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE INDEX ix_businesses_id ON businesses (id);
CREATE INDEX ix_businesses_business_name ON businesses (business_name);
CREATE INDEX ix_businesses_sector ON businesses (sector);

CREATE TABLE coaching_sessions (
    id                   serial,
    user_id              integer NOT NULL,
    session_id           varchar NOT NULL,
    status               sessionstatus DEFAULT 'initialized',
    current_step         coachingstep DEFAULT 'vision',
    step_completion      json,
    coaching_confidence  double precision DEFAULT 0,
    retry_count          integer DEFAULT 0,
    cultural_context     json,
    sector_context       json,
    coaching_plan        json,
    conversation_history json,
    coaching_duration    integer, -- seconds
    created_at           timestamp without time zone NOT NULL DEFAULT now(),
    updated_at           timestamp without time zone NOT NULL DEFAULT now(),
    CONSTRAINT coaching_sessions_pkey PRIMARY KEY (id),
    CONSTRAINT coaching_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE INDEX ix_coaching_sessions_id ON coaching_sessions (id);
CREATE UNIQUE INDEX ix_coaching_sessions_session_id ON coaching_sessions (session_id);

CREATE TABLE business_briefs (
    id                   serial,
    coaching_session_id  integer NOT NULL,
    business_name        varchar NOT NULL,
    vision               text NOT NULL,
    mission              text NOT NULL,
    target_audience      text NOT NULL,
    differentiation      text NOT NULL,
    value_proposition    text NOT NULL,
    sector               varchar NOT NULL,
    location             json,
    market_research      json,
    content_generation   json,
    logo_creation        json,
    seo_optimization     json,
    template_selection   json,
    overall_confidence   double precision DEFAULT 0,
    brief_completeness   double precision DEFAULT 0,
    is_ready_for_website json DEFAULT 'false',
    dc360_website_id     integer,
    created_at           timestamp without time zone NOT NULL DEFAULT now(),
    updated_at           timestamp without time zone NOT NULL DEFAULT now(),
    CONSTRAINT business_briefs_pkey PRIMARY KEY (id),
    -- one brief per coaching session
    CONSTRAINT business_briefs_coaching_session_id_key UNIQUE (coaching_session_id),
    CONSTRAINT business_briefs_coaching_session_id_fkey
        FOREIGN KEY (coaching_session_id) REFERENCES coaching_sessions (id)
);
CREATE INDEX ix_business_briefs_id ON business_briefs (id);

CREATE TABLE business_contexts (
    id                       serial,
    business_id              integer,
    market_size              json,
    competitors              json,
    opportunities            json,
    pricing_insights         json,
    logo_assets              json,
    color_palette            json,
    brand_guidelines         json,
    website_content          json,
    seo_metadata             json,
    marketing_content        json,
    selected_template        varchar,
    customizations           json,
    market_confidence        double precision,
    content_quality          double precision,
    brand_consistency        double precision,
    dc360_integration_status varchar,
    dc360_website_id         integer,
    created_at               timestamp without time zone NOT NULL DEFAULT now(),
    updated_at               timestamp without time zone NOT NULL DEFAULT now(),
    CONSTRAINT business_contexts_pkey PRIMARY KEY (id),
    -- one context per business
    CONSTRAINT business_contexts_business_id_key UNIQUE (business_id),
    CONSTRAINT business_contexts_business_id_fkey
        FOREIGN KEY (business_id) REFERENCES businesses (id)
);
CREATE INDEX ix_business_contexts_id ON business_contexts (id);

CREATE TABLE coaching_steps (
    id                  serial,
    session_id          integer,
    step_name           coachingstep,
    step_order          integer,
    user_response       text,
    coach_message       text,
    examples_provided   json,
    is_complete         json,
    confidence_score    double precision,
    validation_criteria json,
    step_duration       integer, -- seconds
    created_at          timestamp without time zone NOT NULL DEFAULT now(),
    updated_at          timestamp without time zone NOT NULL DEFAULT now(),
    CONSTRAINT coaching_steps_pkey PRIMARY KEY (id),
    CONSTRAINT coaching_steps_session_id_fkey
        FOREIGN KEY (session_id) REFERENCES coaching_sessions (id)
);
CREATE INDEX ix_coaching_steps_id ON coaching_steps (id);
