using System.CommandLine;
using NetGen.Cli.Commands;

var root = new RootCommand("netgen: compile-time shapes, sizes and memory of convolutional networks; training, evaluation and prediction");
root.Subcommands.Add(SummaryCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(PredictCommand.Create());
return root.Parse(args).Invoke();
