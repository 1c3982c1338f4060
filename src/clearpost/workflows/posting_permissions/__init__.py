"""posting permissions."""
