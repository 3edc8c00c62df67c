using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace TalkNTalk.Core.Common;

/// <summary>
/// One page of a list as a grid asks for it: rows to skip and take, and the column it is sorted by (a property name of
/// the row's view, or null for the list's own order).
/// </summary>
public sealed record PageRequest(int Skip = 0, int Take = int.MaxValue, string? SortBy = null, bool Descending = false)
{
    /// <summary>Every row, in the list's own order: what a service's ListAsync returns.</summary>
    public static readonly PageRequest All = new();
}

/// <summary>The one way a service turns a query into a page: sorted in the database, counted.</summary>
public static class Paging
{
    /// <summary>
    /// The rows before a page (numbered from 1), without overflow: a page past int.MaxValue rows skips them all, so it is
    /// empty, never the first page's rows again.
    /// </summary>
    public static int SkipFor(int page, int pageSize) =>
        (int)Math.Clamp((Math.Max(page, 1) - 1L) * Math.Max(pageSize, 0), 0, int.MaxValue);

    public static IOrderedQueryable<T> OrderBy<T, TKey>(this IQueryable<T> query, Expression<Func<T, TKey>> key, bool descending) =>
        descending ? query.OrderByDescending(key) : query.OrderBy(key);

    /// <summary>The page's rows of a query that is already ordered, and the total of the whole query.</summary>
    public static async Task<(List<T> Items, int Total)> ToPageAsync<T>(this IQueryable<T> query, PageRequest page, CancellationToken ct)
    {
        var total = await query.CountAsync(ct);
        var items = await query.Skip(Math.Max(0, page.Skip)).Take(Math.Max(1, page.Take)).ToListAsync(ct);
        return (items, total);
    }
}
