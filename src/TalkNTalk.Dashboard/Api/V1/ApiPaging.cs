using Microsoft.AspNetCore.WebUtilities;
using TalkNTalk.Core.Common;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>The paging every list endpoint shares: <c>page</c>, <c>page_size</c>, and absolute next/previous links.</summary>
public sealed record ApiPage(int Page, int PageSize)
{
    public int Skip => Paging.SkipFor(Page, PageSize);

    /// <summary>Reads page and page_size, or answers 400 with what to fix.</summary>
    public static (ApiPage? Page, IResult? Error) From(HttpRequest request, int defaultSize = 100, int maxSize = 500)
    {
        var page = 1;
        var size = defaultSize;
        if (request.Query.TryGetValue("page", out var p) && (!int.TryParse(p, out page) || page < 1))
            return (null, ApiError.Result(400, "validation_error", "page must be a whole number from 1 up.", new Dictionary<string, string> { ["page"] = "Must be 1 or more." }));
        if (request.Query.TryGetValue("page_size", out var s) && (!int.TryParse(s, out size) || size < 1 || size > maxSize))
            return (null, ApiError.Result(400, "validation_error", $"page_size must be a whole number from 1 to {maxSize}.", new Dictionary<string, string> { ["page_size"] = $"Must be 1 to {maxSize}." }));
        return (new ApiPage(page, size), null);
    }

    /// <summary>The paging envelope around a page of results, after any fields of the answer's own (<paramref name="head"/>).</summary>
    public Dictionary<string, object?> Envelope<T>(HttpRequest request, int total, IReadOnlyList<T> results, params (string Name, object? Value)[] head)
    {
        var totalPages = total == 0 ? 0 : (total + PageSize - 1) / PageSize;
        var envelope = head.ToDictionary(h => h.Name, h => h.Value);
        envelope["total"] = total;
        envelope["page"] = Page;
        envelope["page_size"] = PageSize;
        envelope["total_pages"] = totalPages;
        envelope["next"] = Page < totalPages ? Link(request, Page + 1) : null;
        envelope["previous"] = Page > 1 ? Link(request, Math.Min(Page - 1, Math.Max(totalPages, 1))) : null;
        envelope["results"] = results;
        return envelope;
    }

    private string Link(HttpRequest request, int page)
    {
        var query = request.Query.Where(q => q.Key is not ("page" or "page_size")).ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
        query["page"] = page.ToString();
        query["page_size"] = PageSize.ToString();
        return QueryHelpers.AddQueryString($"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}", query);
    }
}
