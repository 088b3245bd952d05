using GridEdge.Edge.Hosting;

return EdgeProgram.Run(args);
