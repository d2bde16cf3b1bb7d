"""pytest plugin (placeholder module so the entry point resolves; filled in by the reports issue)."""
