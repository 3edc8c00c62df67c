using TalkNTalk.Benchmarks;

// Measures, prints figures, asserts nothing: `dotnet run -c Release --project bench/TalkNTalk.Benchmarks -- <mode>`.
var mode = args.FirstOrDefault() ?? "all";
var modes = new Dictionary<string, Func<Task>>
{
    ["address-books"] = AddressBookBenchmark.RunAsync,
    ["dispatch"] = DispatchBenchmark.RunAsync,
    ["webhooks"] = WebhookBenchmark.RunAsync,
};
if (mode == "all")
{
    foreach (var run in modes.Values)
        await run();
}
else if (modes.TryGetValue(mode, out var run))
{
    await run();
}
else
{
    Console.Error.WriteLine($"Unknown mode '{mode}'. Modes: all, {string.Join(", ", modes.Keys)}");
    return 2;
}
return 0;
