-- PostgreSQL roles of jiuye (deploy/README.md "Database roles"). Run once as a superuser, with psql:
--   psql -v ON_ERROR_STOP=1 -v owner_password=... -v app_password=... -d jiuye -f deploy/postgres/roles.sql
-- then run the migration Job as jiuye_owner and every service as jiuye_app, and run this file once more
-- after each migration that adds tables (the grants below cover the tables that exist when it runs).
--
-- jiuye_owner owns the schemas and tables: only migrations use it. Only an owner (or a superuser) can
-- disable a trigger, drop the audit log or grant rights on it.
-- jiuye_app is what the APIs and workers connect as: it owns nothing, reads and writes the tables, and on
-- audit_log may only SELECT and INSERT; it has no TRUNCATE anywhere, so the append-only triggers of the
-- audit log (UPDATE, DELETE, and TRUNCATE since *_audit_no_truncate) cannot be bypassed or disabled by it.

SELECT format('CREATE ROLE jiuye_owner LOGIN PASSWORD %L', :'owner_password')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jiuye_owner') \gexec
SELECT format('CREATE ROLE jiuye_app LOGIN PASSWORD %L', :'app_password')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jiuye_app') \gexec

GRANT CREATE ON DATABASE jiuye TO jiuye_owner;

DO $$
DECLARE
    svc text;
BEGIN
    FOREACH svc IN ARRAY ARRAY['registration', 'followup', 'eligibility', 'subsidy'] LOOP
        EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION jiuye_owner', svc);
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO jiuye_app', svc);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO jiuye_app', svc);
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO jiuye_app', svc);
        EXECUTE format('REVOKE TRUNCATE ON ALL TABLES IN SCHEMA %I FROM jiuye_app', svc);
        IF to_regclass(format('%I.audit_log', svc)) IS NOT NULL THEN
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I.audit_log FROM jiuye_app', svc);
        END IF;
    END LOOP;
END $$;
