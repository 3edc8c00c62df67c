using TalkNTalk.Benchmarks;

// Measures, prints figures, asserts nothing: `dotnet run -c Release --project bench/TalkNTalk.Benchmarks -- <mode>`.
// `seed` is not a benchmark: it fills a dashboard database with realistic messages (see SeedCommand).
var mode = args.FirstOrDefault() ?? "all";
if (mode == "seed")
    return await SeedCommand.RunAsync(args[1..]);
if (mode == ReceiverProcess.Mode)
    return await ReceiverProcess.ServeAsync();
var modes = new Dictionary<string, Func<Task>>
{
    ["address-books"] = AddressBookBenchmark.RunAsync,
    ["dispatch"] = DispatchBenchmark.RunAsync,
    ["messages"] = MessageBenchmark.RunAsync,
    ["api"] = ApiBenchmark.RunAsync,
    ["api-readers"] = ApiBenchmark.RunReadersAsync,
    ["webhooks"] = WebhookBenchmark.RunAsync,
    ["kannel"] = KannelBenchmark.RunAsync,
    ["channels"] = ChannelsBenchmark.RunAsync,
    ["postgres"] = () => PostgresBenchmark.RunAsync(args.Skip(1).ToArray()),
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
    Console.Error.WriteLine($"Unknown mode '{mode}'. Modes: all, seed, {string.Join(", ", modes.Keys)}");
    return 2;
}
return 0;
