-- A turn's writes are sent to the server as one batch of statements (one round trip), which starts with its guard:
-- the update is still unapplied and the instance still holds the learner. When the guard fails this raises an error
-- with its own code (BD001), so the whole batch is rolled back and the instance knows why.
CREATE FUNCTION bdhai_assert(ok boolean, what text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  IF ok IS NOT TRUE THEN
    RAISE EXCEPTION 'guard failed: %', what USING ERRCODE = 'BD001';
  END IF;
  RETURN true;
END
$$;
