/** The weekly review (being built). */
export function ReviewScreen() {
  return <section className="screen"><h1>Weekly review</h1></section>;
}
