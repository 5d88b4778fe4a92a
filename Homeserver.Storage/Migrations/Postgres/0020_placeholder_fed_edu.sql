-- Placeholder on branch fed-edu only, so its migration 0021 runs without the gap that other
-- branches fill (the lead drops this file when merging them).
SELECT 1;
