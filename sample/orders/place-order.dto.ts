import { IsEmail, IsInt, IsPositive, IsString } from 'class-validator';

/** The payload of 'order.validate', checked by a ValidationPipe before the handler runs. */
export class PlaceOrderDto {
  @IsString()
  orderId!: string;

  @IsEmail()
  email!: string;

  @IsInt()
  @IsPositive()
  amountCents!: number;
}
