using TalkNTalk.Core.Common;
using TalkNTalk.Core.Messages;

namespace TalkNTalk.Core.Tests.Common;

public sealed class PagingTests
{
    [Theory]
    [InlineData(1, 50, 0)]
    [InlineData(3, 50, 100)]
    [InlineData(0, 50, 0)]
    [InlineData(-5, 50, 0)]
    // (2147483647 - 1) * 500 wraps to a negative int, which callers clamp to 0: page 1's rows under another label.
    [InlineData(int.MaxValue, 500, int.MaxValue)]
    [InlineData(4_294_968, 500, 2_147_483_500)]
    [InlineData(4_294_969, 500, int.MaxValue)]
    [InlineData(int.MaxValue, 1, int.MaxValue - 1)]
    public void Skip_never_overflows_and_a_page_past_every_row_skips_them_all(int page, int size, int skip) =>
        Assert.Equal(skip, Paging.SkipFor(page, size));

    [Theory]
    [InlineData("delivered", true, MessageStatus.Delivered)]
    [InlineData(" Failed ", true, MessageStatus.Failed)]
    [InlineData("7", false, default(MessageStatus))]
    [InlineData("queued,sent", false, default(MessageStatus))]
    [InlineData("", false, default(MessageStatus))]
    [InlineData(null, false, default(MessageStatus))]
    public void Enum_names_are_read_one_defined_name_at_a_time(string? text, bool ok, MessageStatus expected)
    {
        Assert.Equal(ok, EnumNames.TryParse<MessageStatus>(text, out var status));
        Assert.Equal(expected, status);
    }
}
