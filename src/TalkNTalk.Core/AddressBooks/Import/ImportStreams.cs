using TalkNTalk.Core.Common;

namespace TalkNTalk.Core.AddressBooks.Import;

/// <summary>Counts bytes read (for progress) and refuses to read past the size limit, for streams of unknown length.</summary>
internal sealed class CountingStream(Stream inner, long limit) : Stream
{
    public long BytesRead { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var read = await inner.ReadAsync(buffer, ct);
        Count(read);
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Count(read);
        return read;
    }

    private void Count(int read)
    {
        BytesRead += read;
        if (BytesRead > limit)
            throw DomainException.Validation("file", $"The file is larger than the {limit / (1024 * 1024)} MB limit. Split it into smaller files.");
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Replays the bytes already sniffed from the start of a file, then continues with the rest.</summary>
internal sealed class ConcatStream(ReadOnlyMemory<byte> head, Stream rest) : Stream
{
    private ReadOnlyMemory<byte> _head = head;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_head.IsEmpty)
            return await rest.ReadAsync(buffer, ct);
        var n = Math.Min(buffer.Length, _head.Length);
        _head[..n].CopyTo(buffer);
        _head = _head[n..];
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_head.IsEmpty)
            return rest.Read(buffer, offset, count);
        var n = Math.Min(count, _head.Length);
        _head[..n].Span.CopyTo(buffer.AsSpan(offset, n));
        _head = _head[n..];
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
