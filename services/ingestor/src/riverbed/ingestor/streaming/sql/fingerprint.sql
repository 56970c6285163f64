-- Fingerprint of the staged valid records of {stage}: count plus an order-free hash.
SELECT
    count(*) AS n,
    coalesce(bit_xor(hash(natural_key || '|' || {hash_expr})), 0) AS h
FROM {stage}
WHERE reason IS NULL;
