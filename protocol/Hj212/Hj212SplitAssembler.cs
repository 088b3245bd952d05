using System.Text;

namespace GridEdge.Protocol.Hj212;

/// <summary>What became of one packet of a split message.</summary>
public enum Hj212SplitOutcome
{
    /// <summary>Held; more packets are due.</summary>
    Pending,
    /// <summary>The last missing packet: the whole CP area is ready.</summary>
    Complete,
    /// <summary>Refused: over a limit or inconsistent with the packets already held.</summary>
    Refused,
}

/// <summary>
/// Reassembles messages split over several packets (Flag bit 1, PNUM/PNO), one instance per connection. Bounded: at most
/// <c>maxPackets</c> per message, <c>maxBytes</c> held in all, <c>maxMessages</c> messages at once, each dropped when not
/// complete within <c>timeout</c>. The parts of a message are joined in PNO order with ';' (each packet's CP holds whole groups).
/// </summary>
public sealed class Hj212SplitAssembler(int maxPackets, int maxBytes, TimeSpan timeout, int maxMessages = 4)
{
    private readonly List<Message> _messages = [];
    private int _heldBytes;

    /// <summary>Messages dropped because they did not complete in time or were pushed out.</summary>
    public int Expired { get; private set; }
    public int HeldBytes => _heldBytes;
    public int PendingMessages => _messages.Count;

    /// <summary>Adds one packet of a split message, received at <paramref name="now"/>.</summary>
    public Hj212SplitOutcome Add(Hj212Packet packet, DateTimeOffset now, out byte[]? cp, out Hj212Error? error)
    {
        if (!packet.IsSplit) throw new ArgumentException("only packets of a split message (Flag bit 1 with PNUM/PNO) are reassembled", nameof(packet));
        cp = null;
        error = null;
        ExpireOlderThan(now - timeout);
        if (packet.PacketCount > maxPackets)
        {
            error = new Hj212Error(Hj212ErrorKind.Field, "PNUM", $"{packet.PacketCount} packets, over the limit of {maxPackets}", 0);
            return Hj212SplitOutcome.Refused;
        }
        if (_heldBytes + packet.Cp.Length > maxBytes)
        {
            error = new Hj212Error(Hj212ErrorKind.Field, "PNO", $"holding {_heldBytes} bytes of split packets, {packet.Cp.Length} more would pass the limit of {maxBytes}", 0);
            return Hj212SplitOutcome.Refused;
        }
        var qn = packet.QnNumber;
        Message? message = null;
        foreach (var m in _messages)
            if (m.Qn == qn && m.Cn == packet.Cn && packet.Mn.SequenceEqual(m.Mn)) { message = m; break; }
        if (message is null)
        {
            if (_messages.Count >= maxMessages)
            {
                Drop(_messages[0]);
                Expired++;
            }
            message = new Message(qn, packet.Cn, packet.Mn.ToArray(), packet.PacketCount, now);
            _messages.Add(message);
        }
        else if (message.Parts.Length != packet.PacketCount)
        {
            error = new Hj212Error(Hj212ErrorKind.Field, "PNUM", $"{packet.PacketCount}, but earlier packets of QN {qn} said {message.Parts.Length}", 0);
            return Hj212SplitOutcome.Refused;
        }
        var index = packet.PacketNumber - 1;
        if (message.Parts[index] is { } old) { _heldBytes -= old.Length; message.Received--; }
        message.Parts[index] = packet.Cp.ToArray();
        message.Received++;
        _heldBytes += packet.Cp.Length;
        if (message.Received < message.Parts.Length) return Hj212SplitOutcome.Pending;

        var total = message.Parts.Sum(p => p!.Length) + message.Parts.Length - 1;
        cp = new byte[total];
        var at = 0;
        foreach (var part in message.Parts)
        {
            if (at > 0) cp[at++] = (byte)';';
            part!.CopyTo(cp, at);
            at += part!.Length;
        }
        Drop(message);
        return Hj212SplitOutcome.Complete;
    }

    /// <summary>Drops messages begun before <paramref name="cutoff"/>; returns how many.</summary>
    public int ExpireOlderThan(DateTimeOffset cutoff)
    {
        var dropped = 0;
        for (var i = _messages.Count - 1; i >= 0; i--)
        {
            if (_messages[i].Started >= cutoff) continue;
            Drop(_messages[i]);
            dropped++;
        }
        Expired += dropped;
        return dropped;
    }

    private void Drop(Message message)
    {
        foreach (var part in message.Parts) if (part is not null) _heldBytes -= part.Length;
        _messages.Remove(message);
    }

    private sealed class Message(long qn, int cn, byte[] mn, int count, DateTimeOffset started)
    {
        public long Qn { get; } = qn;
        public int Cn { get; } = cn;
        public byte[] Mn { get; } = mn;
        public byte[]?[] Parts { get; } = new byte[]?[count];
        public int Received { get; set; }
        public DateTimeOffset Started { get; } = started;
        public override string ToString() => $"{Encoding.ASCII.GetString(Mn)} QN {Qn} CN {Cn}: {Received}/{Parts.Length}";
    }
}
