"""Transform: operators (mask, redact, drop, pseudonymise, encrypt, generalise, surrogate),
tiered views and re-identification risk.  See README "Transform"."""
