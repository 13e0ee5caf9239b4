/** The WebGPU adapter the benchmark runs on, and its refusal to time a software renderer. */

/** The WebGPU adapter's description, or the reason there is no hardware one. */
async function describeAdapter(): Promise<{ description: string; software: boolean } | string> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (gpu === undefined) return "this Deno has no navigator.gpu";
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (adapter === null) {
    return "navigator.gpu found no adapter (is the Vulkan loader libvulkan.so.1 installed, " +
      "and the NVIDIA driver's Vulkan ICD json in /usr/share/vulkan/icd.d or VK_DRIVER_FILES?)";
  }
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const description = [info.vendor, info.architecture, info.device, info.description]
    .filter((part) => part !== "" && part !== undefined).join(" / ");
  const software = info.isFallbackAdapter === true ||
    /llvmpipe|lavapipe|softpipe|swiftshader/i.test(info.description);
  const features = [...adapter.features].includes("timestamp-query")
    ? "timestamp-query supported"
    : "no timestamp-query (kernel times in the profile will read 0)";
  return { description: `${description}; ${features}`, software };
}

/**
 * The hardware adapter's description (a software one's too with
 * `allowSoftware`); without one, says why and exits with status 2.
 */
export async function requireAdapter(allowSoftware: boolean): Promise<string> {
  const adapter = await describeAdapter();
  if (typeof adapter === "string" || (adapter.software && !allowSoftware)) {
    console.error(
      `No hardware WebGPU adapter: ${
        typeof adapter === "string" ? adapter : `only the software renderer ${adapter.description}`
      }. This benchmark needs an NVIDIA (or other) GPU with Vulkan; pass --allow-software to ` +
        "run it on a software renderer anyway (very slow).",
    );
    Deno.exit(2);
  }
  return adapter.description;
}
