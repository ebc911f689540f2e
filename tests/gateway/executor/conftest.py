"""The client-facing schema every executor test shapes against."""

SCHEMA = """
type Query {
  products: [Product!]!
  product(id: ID!): Product
  topProducts: [Product]
  search: [SearchResult!]!
  node(id: ID!): Node
}
type Mutation { rename(id: ID!, name: String!): Product! }
interface Node { id: ID! }
type Product implements Node {
  id: ID!
  name: String!
  price: Int
  stock: Int!
  reviews: [Review!]
  related: [[Product!]!]
}
type Review implements Node { id: ID! body: String! rating: Int! }
union SearchResult = Product | Review
"""
