//! Limits: see docs/reliability.md.
