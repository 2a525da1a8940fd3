using System.CommandLine;
using NetGen.Cli.Commands;

var root = new RootCommand("netgen: compile-time shapes, sizes and memory of convolutional networks");
root.Subcommands.Add(SummaryCommand.Create());
return root.Parse(args).Invoke();
