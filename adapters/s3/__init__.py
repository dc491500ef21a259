"""S3 (or any S3-compatible store: MinIO, moto server): object storage of the infra profile."""
