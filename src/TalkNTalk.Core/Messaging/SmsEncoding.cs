namespace TalkNTalk.Core.Messaging;

/// <summary>How an SMS is carried: 7-bit GSM 03.38 alphabet, or 16-bit UCS-2 when any character falls outside it.</summary>
public enum SmsEncoding
{
    Gsm7,
    Ucs2,
}
