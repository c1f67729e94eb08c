/** What a click on a chart's data item says: its series, its index and its name. */
export interface ChartClick {
  seriesIndex: number
  seriesName: string
  dataIndex: number
  name: string
}
