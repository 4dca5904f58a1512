"""A stand-in Kubernetes API server for tests (see ../README.md). Standard library only,
except PyYAML for `application/apply-patch+yaml` bodies."""
