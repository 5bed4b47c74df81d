/** The goals editor (being built). */
export function GoalsScreen() {
  return <section className="screen"><h1>Daily goals</h1></section>;
}
