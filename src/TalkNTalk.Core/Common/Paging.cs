using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace TalkNTalk.Core.Common;

/// <summary>
/// One page of a list as a grid asks for it: rows to skip and take, and the column it is sorted by (a property name of
/// the row's view, or null for the list's own order).
/// </summary>
public sealed record PageRequest(int Skip = 0, int Take = Paging.MaxTake, string? SortBy = null, bool Descending = false);

/// <summary>The one way a service turns a query into a page: sorted in the database, counted, clamped.</summary>
public static class Paging
{
    public const int MaxTake = 500;

    public static IOrderedQueryable<T> OrderBy<T, TKey>(this IQueryable<T> query, Expression<Func<T, TKey>> key, bool descending) =>
        descending ? query.OrderByDescending(key) : query.OrderBy(key);

    /// <summary>The page's rows of a query that is already ordered, and the total of the whole query.</summary>
    public static async Task<(List<T> Items, int Total)> ToPageAsync<T>(this IQueryable<T> query, PageRequest page, CancellationToken ct)
    {
        var total = await query.CountAsync(ct);
        var items = await query.Skip(Math.Max(0, page.Skip)).Take(Math.Clamp(page.Take, 1, MaxTake)).ToListAsync(ct);
        return (items, total);
    }
}
