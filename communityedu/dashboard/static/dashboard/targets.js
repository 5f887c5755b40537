// Charts of the targets dashboard (Apache ECharts, served locally). The tables beside them hold
// the same numbers, so the page reads fine without this file.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof echarts === "undefined") return;
  for (const element of document.querySelectorAll(".chart[data-chart]")) {
    const data = JSON.parse(element.dataset.chart);
    const thresholdLine = {
      silent: true,
      symbol: "none",
      lineStyle: { type: "dashed", color: "#a4261b" },
      label: { formatter: `${element.dataset.thresholdLabel} ${data.threshold}%` },
      data: [{ yAxis: data.threshold }],
    };
    const byVillage = element.dataset.kind === "villages";
    const chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 40, right: 16, top: 24, bottom: byVillage ? 80 : 32 },
      tooltip: { trigger: "axis", valueFormatter: (value) => (value == null ? "—" : `${value.toFixed(2)}%`) },
      xAxis: {
        type: "category",
        data: byVillage ? data.villages : data.months,
        axisLabel: { rotate: byVillage ? 45 : 0, interval: 0 },
      },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        byVillage
          ? {
              type: "bar",
              data: data.values.map((value) => ({
                value,
                itemStyle: { color: value != null && value >= data.threshold ? "#2e8b57" : "#d98c1f" },
              })),
              markLine: thresholdLine,
            }
          : { type: "line", data: data.trend, markLine: thresholdLine },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  }
});
