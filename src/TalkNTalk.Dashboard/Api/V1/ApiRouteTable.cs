using Microsoft.AspNetCore.Routing.Template;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>
/// Which methods the API's own endpoints take at a path, so that a request the router could not place answers 405
/// with <c>Allow</c> when the path exists under another method, and 404 otherwise. The router alone cannot say: a GET
/// to a POST-only path also meets the pages' catch-all routes and comes back a plain 404.
/// </summary>
public sealed class ApiRouteTable(EndpointDataSource endpoints)
{
    private readonly Lazy<IReadOnlyList<(TemplateMatcher Matcher, IReadOnlyList<string> Methods)>> _routes = new(() => endpoints.Endpoints
        .OfType<RouteEndpoint>()
        .Where(e => e.RoutePattern.RawText?.StartsWith("/v1/", StringComparison.Ordinal) == true)
        .Select(e => (new TemplateMatcher(TemplateParser.Parse(e.RoutePattern.RawText!), []),
                      e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []))
        .ToList());

    /// <summary>The methods some API endpoint takes at this path, in a stable order; empty when no endpoint has the path.</summary>
    public IReadOnlyList<string> MethodsAt(PathString path) => _routes.Value
        .Where(r => r.Matcher.TryMatch(path, []))
        .SelectMany(r => r.Methods)
        .Distinct(StringComparer.OrdinalIgnoreCase)
        .Order(StringComparer.Ordinal)
        .ToList();
}
