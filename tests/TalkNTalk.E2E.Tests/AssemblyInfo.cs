// Each browser test starts its own app process and Chromium; on a 2-core machine they run one at a time,
// so a test's timing never depends on how many others happen to run beside it.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
