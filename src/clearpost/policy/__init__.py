"""Policy packs: schema, loader, validation; packs/msk is the default."""
