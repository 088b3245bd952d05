namespace GridEdge.Protocol.Tests.Hj212;

/// <summary>
/// HJ 212-2017 frames built for the tests (no citable 2017 capture was found); each CRC was computed independently with
/// python3 from the Annex-A algorithm, so they also check our CRC and encoder.
/// </summary>
public static class Frames2017
{
    public const string Mn = "GE0001DUST00000000000001";
    public const string Pw = "123456";

    public const string Minute = "##0462QN=20250301080100123;ST=22;CN=2051;PW=123456;MN=GE0001DUST00000000000001;Flag=5;CP=&&DataTime=20250301080000;a34004-Avg=35.2,a34004-Min=30.1,a34004-Max=40.8,a34004-Flag=N;a34002-Avg=61.0,a34002-Min=55.0,a34002-Max=70.5,a34002-Flag=N;a34001-Avg=120,a34001-Flag=N;LA-Avg=55.3,LA-Flag=N;a01001-Avg=12.5,a01001-Flag=N;a01002-Avg=45.0,a01002-Flag=N;a01006-Avg=101.3,a01006-Flag=N;a01007-Avg=2.4,a01007-Flag=N;a01008-Avg=225,a01008-Flag=N;a05024-Avg=63,a05024-Flag=C&&F6C1";
    public const string RealTime = "##0170QN=20250301080005001;ST=22;CN=2011;PW=123456;MN=GE0001DUST00000000000001;Flag=5;CP=&&DataTime=20250301080005;a34004-Rtd=36.0,a34004-Flag=D;a01006-Rtd=99.8,a01006-Flag=N&&7BC0";
    public const string SplitHour1 = "##0185QN=20250301090000456;ST=22;CN=2061;PW=123456;MN=GE0001DUST00000000000001;Flag=7;PNUM=2;PNO=1;CP=&&DataTime=20250301080000;a34004-Avg=33.0,a34004-Min=20.0,a34004-Max=48.0,a34004-Flag=N&&6240";
    public const string SplitHour2 = "##0185QN=20250301090000456;ST=22;CN=2061;PW=123456;MN=GE0001DUST00000000000001;Flag=7;PNUM=2;PNO=2;CP=&&DataTime=20250301080000;a34002-Avg=58.0,a34002-Min=41.0,a34002-Max=77.0,a34002-Flag=N&&9241";
    /// <summary>The 9014 reply to <see cref="Minute"/>.</summary>
    public const string MinuteAck = "##0087QN=20250301080100123;ST=91;CN=9014;PW=123456;MN=GE0001DUST00000000000001;Flag=4;CP=&&&&EE01";
}
