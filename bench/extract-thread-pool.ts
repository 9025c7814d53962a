// Imported first by the extraction benchmark: libuv reads this once, when its thread pool starts.
// Writes to the lake fsync every file; with the default 4 threads those waits queue behind each
// other and behind gzip. The CLI entry point should set the same (see the report to the lead).
process.env.UV_THREADPOOL_SIZE ??= '16';
