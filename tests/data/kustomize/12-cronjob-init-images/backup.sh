#!/bin/sh
set -eu
etcdctl snapshot save /backup/snapshot.db
aws s3 cp /backup/snapshot.db "s3://etcd-backups/$(date +%F).db"
