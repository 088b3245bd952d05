// Placeholder entry point, replaced by the server host.
return 0;
