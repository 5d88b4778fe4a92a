-- Placeholder on branch fed-join only, so its migration 0020 runs without the gap that other
-- branches fill (the lead drops this file when merging them).
SELECT 1;
