import gql from 'graphql-tag';

export const joinTypeDefs = gql`
  enum JoinPosterFormat {
    "Vector, for print shops and further editing."
    SVG
    "A4 at 150 dpi, for office printers."
    PNG
  }

  "A printable poster for the door: the business's name and a QR code of its join link."
  type JoinPoster {
    "What the QR code opens."
    joinLink: String!
    format: JoinPosterFormat!
    contentType: String!
    "The SVG markup, or the PNG as base64."
    content: String!
    bytes: Int!
  }

  extend type Business {
    """
    The address that opens the business's app (its latest version), or the join form of one of
    its queues with queueId. Public, like the business's profile.
    """
    joinLink(queueId: ID): String!
    "Staff of the business only. The join link's QR code on a poster, in the business's default language."
    joinPoster(queueId: ID, format: JoinPosterFormat = SVG): JoinPoster!
  }
`;
