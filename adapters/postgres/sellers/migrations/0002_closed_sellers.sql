-- A seller account closes when its user deletes their account (its personal data is erased then).
ALTER TABLE sellers.sellers DROP CONSTRAINT sellers_status_check;
ALTER TABLE sellers.sellers ADD CONSTRAINT sellers_status_check
    CHECK (status IN ('pending', 'verified', 'rejected', 'suspended', 'closed'));
