// Device classes share their folder's namespace name (dotnet/iot style); inside GridEdge.Hardware.* the bare name means the namespace.
global using Pms5003Sensor = GridEdge.Hardware.Pms5003.Pms5003;
global using Ads1115Adc = GridEdge.Hardware.Ads1115.Ads1115;
