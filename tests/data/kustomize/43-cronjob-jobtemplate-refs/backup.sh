#!/bin/sh
set -eu
pg_dump "$DATABASE_URL" | gzip > /backup/db.sql.gz
aws s3 cp /backup/db.sql.gz "s3://$BUCKET/$(date +%F).sql.gz"
