"""Staff pages of the customers app, one module per entity. Thin: parse, call a selector or a
service, render."""
