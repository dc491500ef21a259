-- The W3C trace context of the span that committed each event (empty when traces are off): the relay hands
-- it on with the event, so the consumers' spans join the trace of the request that raised it.
ALTER TABLE outbox ADD COLUMN traceparent text;
