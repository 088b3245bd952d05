using GridEdge.Protocol.Records;

namespace GridEdge.Server.Problems;

/// <summary>The Chinese names of problem states, transitions and categories, as the seeds (docs/domain.md) write them.</summary>
public static class ProblemLabels
{
    public static string State(string state) => state switch
    {
        ProblemStates.Reported => "已上报",
        ProblemStates.Assigned => "已交办",
        ProblemStates.Transferred => "已移交",
        ProblemStates.Planned => "整改中",
        ProblemStates.Rectified => "已整改",
        ProblemStates.Verified => "已核查",
        ProblemStates.Closed => "已销号",
        _ => state,
    };

    /// <summary>A problem_events action (the report, a transition, or a failed verification).</summary>
    public static string Action(string action) => action switch
    {
        "reported" => "上报",
        "assign" => "交办",
        "transfer" => "移交移送",
        "plan" => "制定整改方案",
        "rectify" => "整改",
        "verify" => "核查",
        "reject" => "核查未通过",
        "close" => "销号",
        "accept" => "受理",
        "return" => "退回",
        "report" => "反馈办理结果",
        "major" => "列为重大问题",
        _ => action,
    };

    public static string Category(ProblemCategory category) => category switch
    {
        ProblemCategory.StrawBurning => "秸秆焚烧",
        ProblemCategory.Dust => "扬尘",
        ProblemCategory.IllegalDischarge => "乱排乱放/违法排污",
        ProblemCategory.LivestockWaste => "畜禽养殖粪污",
        ProblemCategory.Garbage => "垃圾倾倒",
        ProblemCategory.Other => "其他",
        ProblemCategory.CateringFumes => "餐饮油烟",
        ProblemCategory.OpenBurning => "露天焚烧",
        ProblemCategory.NeighbourhoodNoise => "生活噪声",
        ProblemCategory.SmallUnlicensedWorkshop => "十五小及无证无照企业",
        ProblemCategory.DrinkingWaterSource => "饮用水源地",
        ProblemCategory.BlackOdorousWater => "黑臭水体",
        ProblemCategory.MedicalWaste => "医疗废物",
        _ => category.ToString(),
    };
}
