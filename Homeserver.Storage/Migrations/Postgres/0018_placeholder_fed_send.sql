-- Placeholder on branch fed-send only: 0018 belongs to another branch (server keys). Drop this file when merging.
SELECT 1;
