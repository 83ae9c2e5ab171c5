-- The services reach chatdb as a login role that is a member of ragstream_chat_app (created by the
-- provisioner): data rights only, bound by row-level security. The owner (who runs these
-- migrations) is never used by the services, so nobody at run time can switch RLS off.
GRANT USAGE ON SCHEMA public TO ragstream_chat_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON widget_settings, prompts, inquiries, ip_blocklist TO ragstream_chat_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ragstream_chat_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ragstream_chat_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ragstream_chat_app;
