using MudBlazor;
using TalkNTalk.Core.Common;

namespace TalkNTalk.Dashboard.Shared;

/// <summary>
/// The one adapter from a service's paged query, <c>(items, total)</c> for a skip and a take, to
/// <see cref="MudDataGrid{T}.ServerData"/>: every grid pages (and, where the query takes it, sorts) on the server.
/// </summary>
public static class ServerGrid
{
    public const int DefaultPageSize = 25;
    public static readonly int[] PageSizes = [25, 50, 100];

    public static async Task<GridData<T>> PageAsync<T>(GridState<T> state, Func<int, int, Task<(IReadOnlyList<T> Items, int Total)>> query)
    {
        var (items, total) = await query(state.Page * state.PageSize, state.PageSize);
        return new GridData<T> { Items = items, TotalItems = total };
    }

    /// <summary>The same for a query that also sorts: the grid's page and sort column (the view's property name) as a <see cref="PageRequest"/>.</summary>
    public static Task<GridData<T>> PageAsync<T>(GridState<T> state, Func<PageRequest, Task<(IReadOnlyList<T> Items, int Total)>> query) =>
        PageAsync(state, (skip, take) => query(SortOf(state) is var (column, descending)
            ? new PageRequest(skip, take, column, descending)
            : new PageRequest(skip, take)));

    /// <summary>The column the person sorted by and its direction, or null for the query's own order.</summary>
    public static (string Column, bool Descending)? SortOf<T>(GridState<T> state) =>
        state.SortDefinitions.FirstOrDefault() is { } sort ? (sort.SortBy, sort.Descending) : null;
}
