return NetGen.Cli.Cli.Run(args);
