-- chatdb: shared by all tenants. Every tenant-owned row carries tenant_id and is guarded by
-- row-level security: a connection sees only the rows of the tenant set in ragstream.tenant_id
-- (SET LOCAL ragstream.tenant_id = '<id>' inside the transaction).

CREATE TABLE widget_settings (
    tenant_id  text        NOT NULL,
    widget_key text        NOT NULL,
    settings   jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, widget_key)
);

CREATE TABLE prompts (
    id         bigserial   PRIMARY KEY,
    tenant_id  text        NOT NULL,
    name       text        NOT NULL,
    template   text        NOT NULL,
    active     boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
);
CREATE UNIQUE INDEX prompts_one_active_per_tenant ON prompts (tenant_id) WHERE active;

CREATE TABLE inquiries (
    id         bigserial   PRIMARY KEY,
    tenant_id  text        NOT NULL,
    widget_key text,
    name       text        NOT NULL,
    email      text        NOT NULL,
    message    text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inquiries_tenant_idx ON inquiries (tenant_id, created_at);

-- Failed tenant resolutions / authentications per client network. tenant_id is the tenant the
-- requests named ('' when none could be resolved); blocking applies to the network as a whole.
CREATE TABLE ip_blocklist (
    tenant_id     text        NOT NULL DEFAULT '',
    network       cidr        NOT NULL,
    failures      integer     NOT NULL DEFAULT 0,
    window_start  timestamptz NOT NULL DEFAULT now(),
    blocked_until timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (network, tenant_id)
);
CREATE INDEX ip_blocklist_blocked_idx ON ip_blocklist (network) WHERE blocked_until IS NOT NULL;

ALTER TABLE widget_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE widget_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON widget_settings
    USING (tenant_id = current_setting('ragstream.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('ragstream.tenant_id', true));

ALTER TABLE prompts ENABLE ROW LEVEL SECURITY;
ALTER TABLE prompts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON prompts
    USING (tenant_id = current_setting('ragstream.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('ragstream.tenant_id', true));

ALTER TABLE inquiries ENABLE ROW LEVEL SECURITY;
ALTER TABLE inquiries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON inquiries
    USING (tenant_id = current_setting('ragstream.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('ragstream.tenant_id', true));
