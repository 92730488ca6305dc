-- Up Migration
-- The simulated payment provider's own state (api/payments/postgres-simulator-ledger.ts), which every
-- instance reaches, as a real provider's servers are: authorisations with what was captured and refunded,
-- and the first answer to each idempotency key (with a SHA-256 digest of its request, no payment token).
-- Kept apart from the system of record's payment_event ledger, which the sink writes from the events.
CREATE TABLE payments.simulator_authorization (
  authorization_id text PRIMARY KEY,
  amount_minor bigint NOT NULL,
  currency text NOT NULL,
  captured_minor bigint NOT NULL,
  refunded_minor bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE payments.simulator_answer (
  idempotency_key text PRIMARY KEY,
  request_digest text NOT NULL,
  answer jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE IF EXISTS payments.simulator_answer;
DROP TABLE IF EXISTS payments.simulator_authorization;
