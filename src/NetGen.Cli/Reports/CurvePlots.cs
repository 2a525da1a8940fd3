using NetGen.Training;

namespace NetGen.Cli.Reports;

/// <summary>Redraws loss.png and accuracy.png in the run's folder after every epoch (after the trainer's checkpoint and metrics files).</summary>
internal sealed class CurvePlots(string folder, string network) : ITrainingCallback
{
    public void OnEpochEnd(TrainingContext context, EpochMetrics metrics) => Plots.WriteCurves(folder, context.History, network);
}
