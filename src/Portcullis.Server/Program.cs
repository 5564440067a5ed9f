using Portcullis.Server.Hosting;

var app = PortcullisApp.Build(args);
await PortcullisApp.StartAsync(app);
await app.WaitForShutdownAsync();
