// Placeholder entry point, replaced by the edge host.
return 0;
